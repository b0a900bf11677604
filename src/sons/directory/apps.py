from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "sons.directory"
    label = "directory"

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("simulateur/", views.simulator, name="simulator"),
    path("calendrier/", views.calendar, name="calendar"),
    path("bareme/", views.bareme, name="bareme"),
]

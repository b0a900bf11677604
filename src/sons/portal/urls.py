"""Every page of the portal, by space (the views are in views/<space>.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, ans, catalogue, dashboards, dossier, instruction, payments, public, supplier
from .views.account import SignInForm

app_name = "portal"
urlpatterns = [
    # Public
    path("", public.home, name="home"),
    path("simulateur/", public.simulator, name="simulator"),
    path("calendrier/", public.calendar, name="calendar"),
    path("bareme/", public.bareme, name="bareme"),
    # Catalogue (public)
    path("solutions/", catalogue.solutions, name="solutions"),
    path("versions-obsoletes/", catalogue.obsolete_versions, name="obsolete_versions"),
    # Compte
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="portal/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("espace/", account.space, name="space"),
    # Fournisseur
    path("fournisseur/", supplier.home, name="supplier_home"),
    path("fournisseur/dossiers/", supplier.dossier_list, name="supplier_dossiers"),
    path("fournisseur/clients/", supplier.client_search, name="client_search"),
    path("fournisseur/dossiers/nouveau/", supplier.dossier_new, name="dossier_new"),
    path("fournisseur/depot-en-masse/", supplier.bulk_filing, name="bulk_filing"),
    path("fournisseur/jetons/", supplier.tokens, name="supplier_tokens"),
    path("fournisseur/jetons/<int:token_id>/revoquer/", supplier.revoke_token, name="revoke_token"),
    path("fournisseur/pilote/", supplier.pilot, name="supplier_pilot"),
    # Dossier (fournisseur et personnels)
    path("dossiers/<int:dossier_id>/reevaluation/", dossier.reevaluation, name="dossier_reevaluation"),
    path("dossiers/<int:dossier_id>/modeles/<str:kind>.pdf", dossier.model, name="dossier_model"),
    path("dossiers/<int:dossier_id>/pieces/<int:document_id>/", dossier.document, name="dossier_document"),
    path("dossiers/<int:dossier_id>/", dossier.detail, name="dossier"),
    path("dossiers/<int:dossier_id>/deposer/", dossier.file_advance, name="dossier_file"),
    path("dossiers/<int:dossier_id>/repondre/", dossier.answer, name="dossier_answer"),
    path("dossiers/<int:dossier_id>/solde/", dossier.file_balance, name="dossier_balance"),
    path("dossiers/<int:dossier_id>/attestation/", dossier.attest, name="dossier_attest"),
    path("dossiers/<int:dossier_id>/incapacite/", dossier.incapacity, name="dossier_incapacity"),
    path("dossiers/<int:dossier_id>/decision/", dossier.decide, name="dossier_decide"),
    path("dossiers/<int:dossier_id>/pieces/", dossier.upload, name="dossier_upload"),
    # Instruction et recouvrements (ASP)
    path("exports/<str:name>.<str:extension>", instruction.export, name="export"),
    path("exports/travaux/<uuid:job_id>/", instruction.export_job_page, name="export_job"),
    path("exports/travaux/<uuid:job_id>/fichier", instruction.export_job_file, name="export_job_file"),
    path("instruction/", instruction.queue, name="queue"),
    path("instruction/vues/", instruction.save_view, name="save_view"),
    path("instruction/vues/<int:view_id>/supprimer/", instruction.delete_view, name="delete_view"),
    path("instruction/decisions/", instruction.decide_bulk, name="decide_bulk"),
    path("recouvrements/", instruction.recovery_list, name="recoveries"),
    path("recouvrements/<int:case_id>/", instruction.recovery_step, name="recovery_step"),
    # Paiements (agent payeur)
    path("paiements/", payments.batches, name="batches"),
    path("paiements/preparer/", payments.prepare, name="batch_prepare"),
    path("paiements/<int:batch_id>/", payments.batch_detail, name="batch"),
    path("paiements/<int:batch_id>/sepa.xml", payments.sepa_file, name="batch_sepa"),
    path("paiements/<int:batch_id>/<str:step>/", payments.move, name="batch_move"),
    # ANS
    path("ans/", ans.ans_home, name="ans_home"),
    path("ans/editeurs/", ans.publishers, name="ans_publishers"),
    path("ans/versions/", ans.versions, name="ans_versions"),
    path("ans/versions/<int:pk>/", ans.version_detail, name="ans_version"),
    path("ans/versions/<int:pk>/referencement/", ans.referencing, name="ans_referencing"),
    path("ans/versions/<int:pk>/retrait/", ans.withdrawal, name="ans_withdrawal"),
    path("ans/distributeurs/", ans.distributors, name="ans_distributors"),
    path("ans/solutions/<int:pk>/versions-obsoletes/", ans.obsolete_declaration, name="ans_obsolete"),
    path("ans/pilotes/", ans.pilots, name="ans_pilots"),
    path("ans/pilotes/<int:pk>/", ans.pilot_detail, name="ans_pilot"),
    # Tableaux de bord
    path("tableaux-de-bord/", dashboards.dashboards, name="dashboards"),
]

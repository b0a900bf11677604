"""Every page of the portal, by space (the views are in views/<space>.py)."""

from django.urls import path
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from sons.accounts import proconnect

from .views import (
    account,
    ans,
    catalogue,
    dashboards,
    dossier,
    enrolment,
    instruction,
    join,
    legal,
    members,
    notifications,
    payments,
    public,
    security,
    staff,
    supplier,
    thread,
    webhooks,
)  # fmt: skip

app_name = "portal"
urlpatterns = [
    # Public
    path("", public.home, name="home"),
    path("simulateur/", public.simulator, name="simulator"),
    path("calendrier/", public.calendar, name="calendar"),
    path("bareme/", public.bareme, name="bareme"),
    # Informations légales (liées depuis le pied de chaque page)
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", legal.personal_data, name="personal_data"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("plan-du-site/", legal.sitemap, name="sitemap"),
    # Catalogue (public)
    path("solutions/", catalogue.solutions, name="solutions"),
    path("versions-obsoletes/", catalogue.obsolete_versions, name="obsolete_versions"),
    # Compte : connexion (mot de passe ou ProConnect), second facteur, mot de passe oublié
    path("connexion/", account.SignInView.as_view(), name="login"),
    path("deconnexion/", account.logout, name="logout"),
    path("espace/", account.space, name="space"),
    path("proconnect/connexion/", OIDCAuthenticationRequestView.as_view(), name="proconnect_login"),
    path("proconnect/callback/", proconnect.CallbackView.as_view(), name="proconnect_callback"),
    path("proconnect/inconnu/", account.proconnect_unknown, name="proconnect_unknown"),
    path("compte/", security.account, name="account"),
    path("compte/second-facteur/", security.second_factor_setup, name="second_factor_setup"),
    path("compte/second-facteur/qr.svg", security.second_factor_qr, name="second_factor_qr"),
    path("compte/second-facteur/retirer/", security.remove_second_factor, name="second_factor_remove"),
    path("compte/codes-de-secours/", security.recovery_codes, name="recovery_codes"),
    path("connexion/second-facteur/", security.second_factor, name="second_factor"),
    path("mot-de-passe/oublie/", security.password_reset, name="password_reset"),
    path("mot-de-passe/envoye/", security.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<str:uidb64>/<str:token>/",
        security.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mot-de-passe/change/", security.password_reset_complete, name="password_reset_complete"),
    # Inscription et invitations
    path("inscription/", join.sign_up, name="sign_up"),
    path("inscription/confirmer/<str:uidb64>/<str:token>/", join.sign_up_confirm, name="sign_up_confirm"),
    path("invitation/<str:key>/", join.invitation, name="invitation"),
    # Fournisseur
    path("fournisseur/", supplier.home, name="supplier_home"),
    path("fournisseur/dossiers/", supplier.dossier_list, name="supplier_dossiers"),
    path("fournisseur/clients/", supplier.client_search, name="client_search"),
    path("fournisseur/dossiers/nouveau/", supplier.dossier_new, name="dossier_new"),
    path("fournisseur/depot-en-masse/", supplier.bulk_filing, name="bulk_filing"),
    path("fournisseur/jetons/", supplier.tokens, name="supplier_tokens"),
    path("fournisseur/jetons/<int:token_id>/revoquer/", supplier.revoke_token, name="revoke_token"),
    path("fournisseur/pilote/", supplier.pilot, name="supplier_pilot"),
    path("fournisseur/webhooks/", webhooks.webhooks, name="supplier_webhooks"),
    path("fournisseur/webhooks/<int:subscription_id>/", webhooks.webhook_log, name="webhook_log"),
    path("fournisseur/webhooks/<int:subscription_id>/modifier/", webhooks.webhook_edit, name="webhook_edit"),
    path(
        "fournisseur/webhooks/<int:subscription_id>/desactiver/",
        webhooks.webhook_disable,
        name="webhook_disable",
    ),
    path(
        "fournisseur/webhooks/<int:subscription_id>/reactiver/",
        webhooks.webhook_enable,
        name="webhook_enable",
    ),
    path(
        "fournisseur/webhooks/<int:subscription_id>/renouveler-le-secret/",
        webhooks.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "fournisseur/webhooks/<int:subscription_id>/supprimer/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "fournisseur/webhooks/livraisons/<int:delivery_id>/relancer/",
        webhooks.webhook_replay,
        name="webhook_replay",
    ),
    # Membres de l'organisation
    path("fournisseur/membres/", members.members, name="members"),
    path("fournisseur/membres/<int:membership_id>/role/", members.change_role, name="member_role"),
    path("fournisseur/membres/<int:membership_id>/retirer/", members.remove, name="member_remove"),
    path(
        "fournisseur/invitations/<int:invitation_id>/annuler/",
        members.revoke_invitation,
        name="invitation_revoke",
    ),
    path("fournisseur/quitter/", members.leave, name="member_leave"),
    # Enrôlement (fournisseur, puis instruction ASP)
    path("fournisseur/enrolement/", enrolment.enrolment, name="enrolment"),
    path("fournisseur/enrolement/coordonnees-bancaires/", enrolment.bank_change, name="bank_change"),
    path("enrolement/pieces/<int:piece_id>/", enrolment.piece, name="enrolment_piece"),
    path("instruction/enrolements/", enrolment.queue, name="enrolments"),
    path("instruction/enrolements/<int:enrolment_id>/", enrolment.detail, name="enrolment_detail"),
    path(
        "instruction/coordonnees-bancaires/<int:change_id>/",
        enrolment.decide_bank_change,
        name="bank_change_decide",
    ),
    # Dossier (fournisseur et personnels)
    path("dossiers/<int:dossier_id>/reevaluation/", dossier.reevaluation, name="dossier_reevaluation"),
    path("dossiers/<int:dossier_id>/modeles/<str:kind>.pdf", dossier.model, name="dossier_model"),
    path("dossiers/<int:dossier_id>/pieces/<int:document_id>/", dossier.document, name="dossier_document"),
    path("dossiers/<int:dossier_id>/", dossier.detail, name="dossier"),
    path("dossiers/<int:dossier_id>/deposer/", dossier.file_advance, name="dossier_file"),
    path("dossiers/<int:dossier_id>/modifier/", dossier.edit_draft, name="dossier_edit"),
    path("dossiers/<int:dossier_id>/accuse-de-depot/<str:kind>.pdf", dossier.receipt, name="dossier_receipt"),
    path(
        "dossiers/<int:dossier_id>/decisions/<int:transition_id>.pdf",
        dossier.decision_letter,
        name="dossier_decision_letter",
    ),
    path("dossiers/<int:dossier_id>/supprimer/", dossier.delete_draft, name="dossier_delete"),
    path(
        "dossiers/<int:dossier_id>/recouvrement/<str:kind>.pdf",
        dossier.recovery_letter,
        name="dossier_recovery_letter",
    ),
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
    # Administration des agents (administrateurs ASP et ANS)
    path("administration/agents/", staff.agents, name="staff_agents"),
    path("administration/agents/<int:user_id>/", staff.agent, name="staff_agent"),
    path("administration/agents/<int:user_id>/retirer/<str:role>/", staff.withdraw, name="staff_withdraw"),
    # Centre de notifications (chaque espace)
    path("notifications/", notifications.notifications, name="notifications"),
    path("dossiers/<int:dossier_id>/messages/", thread.post_message, name="dossier_message"),
    path("dossiers/<int:dossier_id>/notes/", thread.post_note, name="dossier_note"),
    path("notifications/lire/", notifications.read, name="notifications_read"),
    path("notifications/preferences/", notifications.preferences, name="notifications_preferences"),
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_use_office(request) -> bool:
    return request.user.has_perm("petitions.view_office", getattr(request, "community", None))


def _office_figures(request) -> list:
    """Petitions waiting for the moderator and for the council's consideration (one statement)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from hromada.apps.petitions.models import Petition, PetitionStatus
    from hromada.core.ui import Figure

    counts = Petition.objects.aggregate(
        moderation=Count("pk", filter=Q(status=PetitionStatus.MODERATION)),
        threshold=Count("pk", filter=Q(status=PetitionStatus.THRESHOLD_REACHED)))
    url = reverse("petitions:office")
    return [Figure(counts["moderation"], _("petitions awaiting moderation"), url),
            Figure(counts["threshold"], _("petitions awaiting consideration"), url)]


class PetitionsConfig(AppConfig):
    name = "hromada.apps.petitions"
    label = "petitions"
    verbose_name = _("Electronic petitions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from hromada.apps.petitions import edge
        from hromada.apps.petitions.models import PetitionPolicy, forget_cached_policies
        from hromada.core.ui import Section, cabinet_sections, office_sections

        edge.register()  # the live count and scripted signing, answered before Django's stack

        post_save.connect(forget_cached_policies, sender=PetitionPolicy, dispatch_uid="petitions-policy-saved")
        post_delete.connect(forget_cached_policies, sender=PetitionPolicy, dispatch_uid="petitions-policy-deleted")

        cabinet_sections.register(Section(
            key="petitions", title=_("My petitions"), url_name="petitions:mine",
            description=_("Start a petition, follow the ones you wrote and signed, or browse all petitions."),
        ))
        office_sections.register(Section(
            key="petitions", title=_("Petitions"), url_name="petitions:office", visible=_can_use_office,
            figures=_office_figures,
            description=_("Moderation queue, consideration deadlines, official responses, signature checks."),
        ))

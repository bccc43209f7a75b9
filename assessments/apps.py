from django.utils.translation import gettext_lazy as _

from units.extensions import ShellAppConfig


class AssessmentsConfig(ShellAppConfig):
    default = True
    name = "assessments"
    verbose_name = _("Annual assessment")

    # How assessments plugs into the shell (units.extensions): its hooks, by dotted path.
    nav_items = "assessments.nav.nav_items"
    workspace_panels = "assessments.nav.workspace_panels"
    demo = "assessments.demo.seed"
    public_entries = "assessments.public.public_entries"
    overdue_sources = "assessments.board.overdue_sources"

    def ready(self) -> None:
        super().ready()
        from assessments import survey_sets

        # Cache invalidation only: what a vote checks against, forgotten when it changes.
        survey_sets.connect()

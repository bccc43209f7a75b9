from django.utils.translation import gettext_lazy as _

from units.extensions import ShellAppConfig


class ComplaintsConfig(ShellAppConfig):
    default = True
    name = "complaints"
    verbose_name = _("Complaints")

    # How complaints plugs into the shell (units.extensions): its hooks, by dotted path.
    nav_items = "complaints.nav.nav_items"
    workspace_panels = "complaints.nav.workspace_panels"
    digest_sections = "complaints.nav.digest_sections"
    digest_backlog = "complaints.nav.digest_backlog"
    demo = "complaints.demo.seed_all"
    overdue_sources = "complaints.board.overdue_sources"
    public_entries = "complaints.public.public_entries"
    export_kinds = "complaints.exports.export_kinds"

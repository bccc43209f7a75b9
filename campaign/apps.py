from django.utils.translation import gettext_lazy as _

from units.extensions import ShellAppConfig


class CampaignConfig(ShellAppConfig):
    default = True
    name = "campaign"
    verbose_name = _("Campaigns and rectification")

    # How campaign plugs into the shell (units.extensions): its hooks, by dotted path.
    nav_items = "campaign.nav.nav_items"
    workspace_panels = "campaign.nav.workspace_panels"
    digest_sections = "campaign.nav.digest_sections"
    digest_backlog = "campaign.nav.digest_backlog"
    demo = "campaign.demo.seed"
    overdue_sources = "campaign.board.overdue_sources"
    public_entries = "campaign.public.public_entries"
    person_record_urls = "campaign.nav.cadre_record_urls"
    export_kinds = "campaign.ledger_export.export_kinds"

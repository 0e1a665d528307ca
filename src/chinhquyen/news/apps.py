from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "chinhquyen.news"
    label = "news"
    verbose_name = _("News, announcements and legal documents")

    def ready(self) -> None:
        from chinhquyen.accounts.choices import Role
        from chinhquyen.accounts.roles import extend_role_permissions
        from chinhquyen.core.navigation import NavItem, register, register_section

        # Editors are the staff who write for their agency: clerks (văn thư), specialists and
        # leaders, each within the organisation of their role. Approvers hold
        # news.publish_article: agency leaders (add it to another role here to widen it).
        edit = {
            "news.view_article",
            "news.add_article",
            "news.change_article",
            "news.view_legaldocument",
            "news.add_legaldocument",
            "news.change_legaldocument",
            "news.delete_legaldocument",
        }
        extend_role_permissions(
            {
                Role.CLERK: edit,
                Role.SPECIALIST: edit,
                Role.DIVISION_LEADER: edit,
                Role.AGENCY_LEADER: edit | {"news.publish_article"},
                Role.SYSTEM_ADMIN: edit | {"news.publish_article"},  # already everything
            }
        )
        section = _("Information portal")
        register_section(section, before=_("Administration"))
        register(
            NavItem(
                _("News and announcements"),
                "news:manage",
                permission="news.view_article",
                section=section,
            )
        )
        register(
            NavItem(
                _("Legal documents"),
                "news:manage_documents",
                permission="news.view_legaldocument",
                section=section,
            )
        )

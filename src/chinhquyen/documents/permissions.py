"""Who may do what with official documents, as data added to the role matrix.

Clerks (văn thư) keep the books, register incoming documents and number, sign with the
organisation key and issue outgoing ones; specialists draft and handle; leaders assign and
approve. Where is the organisation of each role (``restrict``).
"""

from django.utils.translation import gettext_lazy as _

VIEW = {
    "documents.view_incomingdocument",
    "documents.view_outgoingdocument",
    "documents.view_assignment",
    "documents.view_followuptask",
    "documents.view_registrationbook",
}
HANDLE = {
    "documents.change_assignment",
    "documents.add_outgoingdocument",
    "documents.change_outgoingdocument",
    "documents.change_followuptask",
}


def register() -> None:
    from chinhquyen.accounts.choices import Role
    from chinhquyen.accounts.roles import extend_role_permissions
    from chinhquyen.core.navigation import NavItem, register, register_section

    extend_role_permissions(
        {
            Role.CLERK: VIEW
            | HANDLE
            | {
                "documents.add_incomingdocument",
                "documents.change_incomingdocument",
                "documents.add_registrationbook",
                "documents.change_registrationbook",
                "documents.number_outgoingdocument",
                "documents.issue_outgoingdocument",
            },
            Role.SPECIALIST: VIEW | HANDLE,
            Role.DIVISION_LEADER: VIEW | HANDLE | {"documents.assign_incomingdocument"},
            Role.AGENCY_LEADER: VIEW
            | HANDLE
            | {"documents.assign_incomingdocument", "documents.approve_outgoingdocument"},
        }
    )
    section = _("Documents")
    register_section(section, before=_("Administration"))
    register(
        NavItem(
            _("Incoming documents"),
            "documents:incoming_list",
            permission="documents.view_incomingdocument",
            section=section,
        )
    )
    register(
        NavItem(
            _("Outgoing documents"),
            "documents:outgoing_list",
            permission="documents.view_outgoingdocument",
            section=section,
        )
    )
    register(
        NavItem(
            _("Document statistics"),
            "documents:statistics",
            roles=(Role.CLERK, Role.DIVISION_LEADER, Role.AGENCY_LEADER),
            section=section,
        )
    )
    register(
        NavItem(
            _("Registration books"),
            "documents:books",
            permission="documents.view_registrationbook",
            section=section,
        )
    )
    register(
        NavItem(
            _("Search documents"),
            "documents:search",
            permission="documents.view_incomingdocument",
            section=section,
        )
    )

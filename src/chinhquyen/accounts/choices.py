from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    CITIZEN = "citizen", _("Citizen or business")
    SYSTEM = "system", _("System account")


class Role(models.TextChoices):
    """Staff roles. Each is a Django group of the same name holding the permissions; a role is
    always held *within* an organisation (its scope: that organisation and its subtree)."""

    CLERK = "clerk", _("Clerk (văn thư)")
    ONE_STOP_OFFICER = "one_stop_officer", _("One-stop officer (cán bộ một cửa)")
    SPECIALIST = "specialist", _("Specialist (chuyên viên)")
    DIVISION_LEADER = "division_leader", _("Division leader (lãnh đạo phòng)")
    AGENCY_LEADER = "agency_leader", _("Agency leader (lãnh đạo cơ quan)")
    IT_ADMIN = "it_admin", _("IT administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")

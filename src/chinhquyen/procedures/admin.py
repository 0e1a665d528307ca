"""Read-mostly admin: the catalogue is edited through the back-office pages (services)."""

from django.contrib import admin

from chinhquyen.procedures.models import (
    Procedure,
    ProcedureComponent,
    ProcedureFee,
    ProcedureField,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    ProcessTransition,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ComponentInline(ReadOnlyInline):
    model = ProcedureComponent
    fields = ("order", "name", "originals", "copies", "requirement", "template_file")


class FeeInline(ReadOnlyInline):
    model = ProcedureFee
    fields = ("kind", "name", "amount", "note")


class StepInline(ReadOnlyInline):
    model = ProcessStep
    fields = ("order", "code", "name", "performer_role", "performer_agency", "allotted_hours")


@admin.register(ProcedureField)
class ProcedureFieldAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name")


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ("national_code", "created_at")
    search_fields = ("national_code",)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "number", "name", "status", "effective_from", "level")
    list_filter = ("status", "level", "online_mode", "field")
    search_fields = ("procedure__national_code", "name")
    list_select_related = ("procedure",)
    inlines = (ComponentInline, FeeInline)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "agency", "number", "status", "effective_from")
    list_filter = ("status",)
    list_select_related = ("procedure", "agency")
    inlines = (StepInline,)


@admin.register(ProcessTransition)
class ProcessTransitionAdmin(ReadOnlyAdmin):
    list_display = ("step", "action", "next_step")
    list_select_related = ("step", "next_step")

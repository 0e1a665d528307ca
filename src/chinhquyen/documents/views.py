"""Placeholder list/detail views; replaced by the areas' views (incoming, outgoing)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def incoming_list(request):
    return HttpResponse("incoming")


@login_required
def incoming(request, pk: int):
    return HttpResponse("incoming")


@login_required
def outgoing_list(request):
    return HttpResponse("outgoing")


@login_required
def outgoing(request, pk: int):
    return HttpResponse("outgoing")

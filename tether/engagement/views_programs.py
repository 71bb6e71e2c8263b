"""The practice admin's pages for the programs the practice offers: the list, adding and
changing a program, and archiving it (never deleting: enrollments keep their program). Only
the practice's admins use them (tether.access.engagement.managed_programs); the rules are in
engagement.services.program_admin."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tether.access.decorators import admin_required
from tether.access.engagement import get_managed_program, managed_programs
from tether.access.staff import my_practice
from tether.accounts.http import AuthenticatedRequest
from tether.engagement.models import Enrollment, Program
from tether.engagement.schedule import Invalid
from tether.engagement.services.program_admin import archive_program, save_program
from tether.lib.forms import add_problems


class ProgramForm(forms.Form):
    # Lengths and emptiness are checked by the service, which says what is wrong.
    name = forms.CharField(required=False, label="Name")
    description = forms.CharField(
        required=False,
        label="What it is",
        help_text="A few plain sentences patients and staff read when choosing it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    guided = forms.BooleanField(
        required=False,
        initial=True,
        label="Guided: a person walks alongside the patient (unguided programs are self-paced)",
    )


@admin_required
def program_list(request: AuthenticatedRequest) -> HttpResponse:
    programs = managed_programs(request.user).annotate(
        open_enrollments=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.OPEN))
    )
    return render(
        request,
        "engagement/programs/list.html",
        {"programs": programs.order_by("-active", "name")},
    )


@admin_required
def program_form(request: AuthenticatedRequest, program_id=None) -> HttpResponse:
    """Add a program, or change one (`program_id`)."""
    program: Program | None = get_managed_program(request.user, program_id) if program_id else None
    initial = (
        {"name": program.name, "description": program.description, "guided": program.guided}
        if program
        else None
    )
    form = ProgramForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_program(
                practice=my_practice(request.user), program=program, **form.cleaned_data
            )
        except Invalid as error:
            add_problems(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("program_list")
    context = {
        "form": form,
        "program": program,
        "title": f"Change “{program.name}”" if program else "Add a program",
    }
    return render(
        request, "engagement/programs/form.html", context, status=400 if form.errors else 200
    )


@admin_required
@require_POST
def program_archive(request: AuthenticatedRequest, program_id) -> HttpResponse:
    program = archive_program(program=get_managed_program(request.user, program_id))
    messages.success(
        request,
        f"Archived “{program.name}”. It is no longer offered to new patients; everyone "
        "already in it carries on.",
    )
    return redirect("program_list")

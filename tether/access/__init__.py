"""The one door to patient data.

Every view, API endpoint, export and job asks here which patients and records a user may see
or change, and services ask here before they change something on a user's behalf. A forbidden
object and an unknown one get the same answer, Http404 (lookup.one_or_404, which also reads a
malformed id as unknown), so nobody can learn that a record exists by probing ids. Views and
API modules never query a patient's data around these doors (tests/test_access_boundary.py).

Rules:
- nobody ever sees another practice's data; an inactive account sees nothing;
- a patient sees only their own records (patients.py);
- care coordinators and clinicians see the patients whose care team they are on; a practice
  admin sees every patient of their own practice (patients.py); every record of a patient
  (questionnaires, C-SSRS screens, supports, appointments, enrollments, treatment episodes,
  case-review recommendations) follows the patient;
- a patient's phone and email are read by the care staff who may see the patient, and by
  the care staff of the practice paged about one of their alerts (who must call); never by
  peer supporters (contact.py, an audited door);
- only care staff (coordinators, clinicians, admins) change a patient's care: act on alerts,
  record attendance and intake calls, start and end treatment episodes (care staff of the
  patient's practice, checked again by the service);
- a risk alert is seen by whoever may see the patient, and by the care staff of the practice
  who were paged about it (on call, backup), even off the care team; only care staff act on
  it (crisis.py);
- words that screening put in front of a human (crisis.ScreenedText) are read by the care
  staff who may see the patient (coordinators, clinicians, admins); never by peer supporters,
  nor by the patient as a review item (crisis.py);
- every staff member of a practice reads its on-call rota; only its admins add and remove
  shifts (crisis.py);
- the staff a user may pick (a peer supporter, a clinician to filter by) are the active staff
  of their own practice (staff.py);
- a page about a practice (its rota, groups, outcome figures) is about the user's own
  practice; an account outside one gets a 404 (staff.my_practice);
- peer supporters see no clinical records: the outreach tasks a patient routed to them, and
  in the groups they moderate, posts and members by pseudonym only (engagement.py, peers.py);
- a peer group is moderated by its own peer supporter and by the admins of its practice;
  coordinators and clinicians do not moderate, they see alerts (peers.py);
- a practice's peer groups (who they are for, tags, moderator, meeting times, archiving)
  and its programs are managed by its admins alone; a peer supporter moderates posts but
  does not change the group (peers.managed_groups, engagement.managed_programs);
- in a peer group, members see each other only by pseudonym; only an active coordinator or
  clinician on the member's own care team may link a pseudonym to the patient (not the
  admin), and that look-up is audited (peers.py; peers.moderation.reveal_member);
- the posts that raised an alert are shown with it to whoever may see the alert, without
  the pseudonym (peers.posts_for_alert);
- a patient answers only their own belonging questions, in groups they still belong to, and
  reads only their own experience profile;
- the weekly case review is held by the practice's clinicians (the psychiatric consultant)
  or admins; only its clinicians make recommendations; a recommendation is opened and closed
  by the clinician it is assigned to or who made it (care.py);
- practice outcome figures (care.outcomes) are aggregates over the whole practice for its
  clinicians and admins (can_see_outcomes; everyone else, coordinators included, gets a 404);
  they never return a patient, so they read episodes directly;
- failed messages are reviewed by care staff: those to patients they may see and their own;
  an admin also those to the practice's staff (notifications.py);
- a trusted person sees only what the patient consents to, through a signed single-purpose
  link that stops working the moment consent is withdrawn, and never scores or answers
  (network.py);
- consent belongs to the patient: only the patient's own account may grant or widen what a
  trusted person sees or is told; the care staff of the patient's practice may suggest, and
  may withdraw (network.py);
- only a practice's admins manage its staff (create, edit, deactivate, see caseloads, move a
  departing colleague's patients) and its settings; a care team is changed by a coordinator
  or admin of the patient's practice who may see the patient (staff.managed_staff,
  staff.may_manage_practice, staff.may_change_care_team);
- a practice admin may reset the second factor of the other staff of their own practice
  (after a lost phone); nobody else resets anyone's (staff.get_colleague_for_factor_reset);
- a practice admin sees which accounts of their own practice (patients and staff) have their
  sign-in paused, and lifts a pause; nobody else sees or lifts anyone's (sign_in.py);
- coordinators and clinicians publish their own bookable hours; care staff book a patient
  they may see into a free slot of any coordinator or clinician of their practice; a patient
  books, cancels and moves only their own appointments, from free slots (engagement.py);
- a page is opened at all only by the roles it is built for (decorators.role_required);
  anyone else signed in gets the 404 of a page that does not exist.
"""

from tether.access.assessments import get_assessment, visible_assessments
from tether.access.care import (
    CONSULTANT_ROLES,
    OUTCOME_ROLES,
    can_see_outcomes,
    get_episode,
    get_episode_for_staff,
    get_recommendation,
    may_consult,
    may_manage_episodes,
    may_recommend,
    visible_episodes,
    visible_recommendations,
)
from tether.access.contact import ContactDetails, contact_details
from tether.access.crisis import (
    get_alert_for_staff,
    get_risk_screen,
    get_screened_text_for_staff,
    get_shift_for_admin,
    may_change_rota,
    visible_alerts,
    visible_risk_screens,
    visible_screened_texts,
)
from tether.access.engagement import (
    OUTREACH_ROLES,
    bookable_colleagues,
    get_appointment,
    get_appointment_for_staff,
    get_appointment_to_change,
    get_bookable_colleague,
    get_enrollment,
    get_enrollment_for_staff,
    get_outreach_task,
    may_publish_availability,
    visible_appointments,
    visible_enrollments,
    visible_outreach_tasks,
    visible_programs,
)
from tether.access.lookup import one_or_404
from tether.access.network import (
    active_consents,
    get_patient_by_plan_link,
    get_support,
    get_trusted_contact,
    may_suggest_sharing,
    may_widen_sharing,
    trusted_scopes,
)
from tether.access.notifications import visible_deliveries
from tether.access.patients import (
    get_own_patient,
    get_patient,
    is_care_staff,
    is_care_staff_of,
    visible_patients,
)
from tether.access.peers import (
    MODERATOR_ROLES,
    can_moderate,
    get_belonging_check,
    get_joinable_group,
    get_member_post,
    get_membership,
    get_membership_for_care_team,
    get_moderated_group,
    get_own_post,
    get_post_for_moderator,
    joinable_groups,
    may_link_pseudonym,
    moderated_groups,
    my_memberships,
    my_open_belonging_checks,
    own_experience,
    posts_for_alert,
)
from tether.access.sign_in import accounts_for_sign_in_help, get_account_for_sign_in_help
from tether.access.staff import (
    colleagues_for_factor_reset,
    get_colleague_for_factor_reset,
    get_managed_staff,
    get_practice_staff,
    is_practice_admin,
    managed_staff,
    may_change_care_team,
    may_manage_practice,
    my_practice,
    my_practice_staff,
)

__all__ = [
    "CONSULTANT_ROLES",
    "ContactDetails",
    "MODERATOR_ROLES",
    "OUTCOME_ROLES",
    "OUTREACH_ROLES",
    "accounts_for_sign_in_help",
    "active_consents",
    "bookable_colleagues",
    "can_moderate",
    "can_see_outcomes",
    "colleagues_for_factor_reset",
    "contact_details",
    "get_account_for_sign_in_help",
    "get_alert_for_staff",
    "get_appointment",
    "get_appointment_for_staff",
    "get_appointment_to_change",
    "get_bookable_colleague",
    "get_assessment",
    "get_colleague_for_factor_reset",
    "get_belonging_check",
    "get_enrollment",
    "get_enrollment_for_staff",
    "get_episode",
    "get_episode_for_staff",
    "get_joinable_group",
    "get_managed_staff",
    "get_member_post",
    "get_membership",
    "get_membership_for_care_team",
    "get_moderated_group",
    "get_outreach_task",
    "get_own_patient",
    "get_own_post",
    "get_patient",
    "get_patient_by_plan_link",
    "get_post_for_moderator",
    "get_practice_staff",
    "get_recommendation",
    "get_risk_screen",
    "get_screened_text_for_staff",
    "get_shift_for_admin",
    "get_support",
    "get_trusted_contact",
    "is_care_staff",
    "is_care_staff_of",
    "is_practice_admin",
    "joinable_groups",
    "managed_staff",
    "may_change_care_team",
    "may_change_rota",
    "may_consult",
    "may_link_pseudonym",
    "may_publish_availability",
    "may_manage_episodes",
    "may_manage_practice",
    "may_recommend",
    "may_suggest_sharing",
    "may_widen_sharing",
    "moderated_groups",
    "my_memberships",
    "my_open_belonging_checks",
    "my_practice",
    "my_practice_staff",
    "one_or_404",
    "own_experience",
    "posts_for_alert",
    "trusted_scopes",
    "visible_alerts",
    "visible_appointments",
    "visible_assessments",
    "visible_deliveries",
    "visible_enrollments",
    "visible_episodes",
    "visible_outreach_tasks",
    "visible_patients",
    "visible_programs",
    "visible_recommendations",
    "visible_risk_screens",
    "visible_screened_texts",
]

"""The demo year: CERN groups and one LSE group, every rule of the guidelines exercised.

Times are simulated (2024-2025) so that a year of governance runs in seconds. The
chapters schedule their steps; the run plays them in date order, so ledger positions
and ledger times agree. Refused attempts are deliberate: each shows its clause.
"""

from __future__ import annotations

from domain import commands as c
from entrypoints.demo.script import OAR, DemoRun, manager, member


def run_year(run: DemoRun) -> None:
    for chapter in (_dormant_school, _cms, _cms_events, _cms_sponsors, _bay_area, _openlab, _others):
        chapter(run)
    run.play()


def _request(run: DemoRun, when: str, base: str, by: str, managers: tuple[str, ...], **fields) -> str:
    slug = run.slug(base)
    run.groups.append(slug)
    run.at(when, c.RequestGroup(actor=member(by), group=slug, proposed_managers=managers, **fields))
    return slug


def _dormant_school(run: DemoRun) -> None:
    """§19: a group inactive for over a year is flagged, deactivated after discussion."""
    g = _request(run, "2024-01-15T09:00+00:00", "csc-school", "m-1101", ("m-1101", "m-1102"),
                 name="CERN School of Computing alumni", group_type="cern-school", managed_by="alumni",
                 visibility="private", objectives="Keep CSC alumni learning together",
                 membership_criteria=("attended a CERN School of Computing",))  # fmt: skip
    run.at("2024-01-20T09:00+00:00", c.ApproveGroup(actor=OAR, group=g, reason="objectives discussed with OAR"))
    run.at("2025-03-03T10:00+00:00", c.DeactivateGroup(
        actor=OAR, group=g, discussed_with_managers=True, reason="no activity since January 2024"))  # fmt: skip
    run.at("2025-04-01T10:00+00:00", c.ReactivateGroup(actor=OAR, group=g, reason="new plan for 2025"))
    quiet = _request(run, "2024-06-03T09:00+00:00", "higgs-hunters", "m-1117", ("m-1117", "m-1118"),
                     name="Higgs hunters", group_type="scientific-collaboration", managed_by="alumni",
                     visibility="public", objectives="Alumni of the Higgs discovery analyses")  # fmt: skip
    run.at("2024-06-04T09:00+00:00", c.ApproveGroup(actor=OAR, group=quiet, reason="clear objectives"))


CMS_CRITERION = "was a member of the CMS collaboration"


def _cms(run: DemoRun) -> None:
    """A private, alumni-managed scientific group: §7 managers, §9 moderation."""
    day = "2025-01-06T09:{:02d}+00:00"
    g = _request(run, day.format(0), "cms-alumni", "m-1103", ("m-1103",),
                 name="CMS CERN Alumni", group_type="scientific-collaboration", managed_by="alumni",
                 visibility="private", objectives="Connect alumni of the CMS collaboration",
                 membership_criteria=(CMS_CRITERION,))  # fmt: skip
    run.at(day.format(1), c.ApproveGroup(actor=manager("m-1103"), group=g, reason="self-approval"))
    run.at(day.format(2), c.ApproveGroup(actor=OAR, group=g, reason="only one manager so far"))
    run.at(day.format(3), c.AppointManager(actor=manager("m-1103"), group=g, manager="m-1104"))
    run.at(day.format(4), c.ApproveGroup(actor=OAR, group=g, reason="objectives clear, two managers"))
    run.at(day.format(5), c.AppointManager(actor=OAR, group=g, manager="m-1105"))
    run.at(day.format(6), c.AppointManager(actor=OAR, group=g, manager="m-1106"))
    for person in ("a-101", "a-102", "a-103", "a-104", "a-105", "a-101"):  # a-101 twice: refused
        run.at(day.format(7), c.RequestMembership(actor=member(person), group=g))
    run.at(day.format(8), c.JoinGroup(actor=member("a-106"), group=g))  # private: refused
    decide = "2025-01-10T09:00+00:00"
    run.at(decide, c.ApproveMembership(actor=manager("m-1119"), group=g, member="a-104",
           criterion=CMS_CRITERION, reason="I know them"))  # fmt: skip
    for person in ("a-101", "a-102", "a-105"):
        run.at(decide, c.ApproveMembership(actor=manager("m-1104"), group=g, member=person,
               criterion=CMS_CRITERION, reason="listed in CMS records"))  # fmt: skip
    for reason in ("rejected because of their nationality", "not found in CMS member records"):
        run.at(decide, c.RejectMembership(actor=manager("m-1104"), group=g, member="a-103",
               criterion=CMS_CRITERION, reason=reason))  # fmt: skip


SEASONS = [("winter-colloquium", "2025-02-20T18:00+01:00", "2025-01-15", "2025-01-16", "2025-02-21"),
           ("spring-lab-visit", "2025-05-15T14:00+02:00", "2025-04-01", "2025-04-10", "2025-05-16"),
           ("summer-school-reunion", "2025-08-07T17:00+02:00", "2025-06-20", "2025-06-25", "2025-08-08"),
           ("autumn-physics-update", "2025-11-13T18:00+01:00", "2025-09-25", "2025-10-02", "2025-11-14")]  # fmt: skip


def _cms_events(run: DemoRun) -> None:
    """§20-§24, §30, Annex 1: one event per season (§23), a speaker, attendance."""
    g, m = run.slug("cms-alumni"), manager("m-1103")
    for slug, starts, proposed, listed, after in SEASONS:
        run.at(f"{proposed}T09:00+00:00", c.ProposeGathering(
            actor=m, group=g, gathering=slug, title=slug.replace("-", " ").title(), starts_at=starts,
            purpose="scientific", connection="CMS results presented to CMS alumni", fee_per_participant="15.00",
            cost_per_participant="18.50", under_18_audience=slug.startswith("summer")))  # fmt: skip
        run.at(f"{proposed}T15:00+00:00", c.ApproveGathering(actor=OAR, group=g, gathering=slug, reason="relevant to CMS alumni"))
        run.at(f"{listed}T09:00+00:00", c.ListGathering(actor=m, group=g, gathering=slug, listed_on=listed))
        outsider = ("a-999",) if slug.startswith("winter") else ()  # not a member: §19 refuses
        for person in ("a-101", "a-102", "a-105", *outsider):
            run.at(f"{listed}T10:00+00:00", c.RegisterParticipant(actor=m, group=g, gathering=slug, member=person))
        marks = {"a-101": "attended", "a-102": "did-not-attend", "a-105": "attended"}
        run.at(f"{after}T09:00+00:00", c.RecordAttendance(
            actor=m, group=g, gathering=slug, marks=marks, unregistered_attendees=("a-777",) if slug.startswith("winter") else ()))  # fmt: skip
    run.at("2025-01-17T09:00+00:00", c.ProposeSpeaker(actor=m, group=g, gathering="winter-colloquium", speaker="s-1201"))
    run.at("2025-01-18T09:00+00:00", c.ApproveSpeaker(actor=OAR, group=g, gathering="winter-colloquium", speaker="s-1201", reason="fits the colloquium"))


def _cms_sponsors(run: DemoRun) -> None:
    """§25 prior consent by the OAR, §26 screening."""
    g, m = run.slug("cms-alumni"), manager("m-1103")

    def request(when: str, event: str, ref: str, sponsor: str, sector: str, **flags) -> None:
        run.at(when, c.RequestSponsorship(
            actor=m, group=g, gathering=event, sponsorship=ref, sponsor=sponsor, sector=sector,
            bidding_for_cern_contracts=flags.get("bidding", False), offers_cern_name_or_logo=flags.get("logo", False),
            reason="cover the reception"))  # fmt: skip

    request("2025-01-21T09:00+00:00", "winter-colloquium", "smokeco", "SmokeCo", "tobacco")
    request("2025-01-21T09:00+00:00", "winter-colloquium", "bidder", "Magnet Builders Ltd", "other", bidding=True)
    request("2025-01-21T09:00+00:00", "winter-colloquium", "logo-deal", "Open Source Fund", "other", logo=True)
    request("2025-01-22T09:00+00:00", "winter-colloquium", "cloudco", "CloudCo", "other")
    run.at("2025-01-23T09:00+00:00", c.RejectSponsorship(
        actor=OAR, group=g, gathering="winter-colloquium", sponsorship="cloudco", reason="too close to the event to review"))  # fmt: skip
    request("2025-06-26T09:00+00:00", "summer-school-reunion", "brewery", "Geneva Brewery", "alcohol")
    request("2025-10-03T09:00+00:00", "autumn-physics-update", "brewery", "Geneva Brewery", "alcohol")
    for who in (manager("m-1103"), OAR):
        run.at("2025-10-06T09:00+00:00", c.ApproveSponsorship(
            actor=who, group=g, gathering="autumn-physics-update", sponsorship="brewery", reason="adult audience, screening passed"))  # fmt: skip


def _bay_area(run: DemoRun) -> None:
    """A public regional group: §8 joins, Annex 1, §23, §6, then §32 termination."""
    g = _request(run, "2025-01-08T09:00+00:00", "bay-area", "m-1107", ("m-1107", "m-1108"),
                 name="San Francisco Bay Area CERN Alumni", group_type="regional", managed_by="alumni",
                 visibility="public", objectives="Bring together CERN alumni living around the Bay")  # fmt: skip
    m = manager("m-1107")
    run.at("2025-01-09T09:00+00:00", c.ApproveGroup(actor=OAR, group=g, reason="regional need confirmed"))
    for person in ("a-201", "a-202", "a-101"):  # a-101 is in CMS too: §7 allows several groups
        run.at("2025-01-12T09:00+00:00", c.JoinGroup(actor=member(person), group=g))
    run.at("2025-01-12T10:00+00:00", c.RequestMembership(actor=member("a-203"), group=g))
    run.at("2025-03-01T09:00+00:00", c.ProposeGathering(
        actor=m, group=g, gathering="bay-meetup", title="Bay meetup", starts_at="2025-03-15T18:00-07:00",
        purpose="community-building", connection="alumni of the Bay Area group meet in person"))  # fmt: skip
    run.at("2025-03-01T10:00+00:00", c.ProposeGathering(
        actor=m, group=g, gathering="ballot-rally", title="Ballot rally", starts_at="2025-04-01T18:00-07:00",
        purpose="community-building", connection="the group campaigns for a ballot measure", political=True))  # fmt: skip
    run.at("2025-03-02T09:00+00:00", c.ApproveGathering(actor=OAR, group=g, gathering="bay-meetup", reason="community building"))
    run.at("2025-03-10T09:00+00:00", c.ListGathering(actor=m, group=g, gathering="bay-meetup", listed_on="2025-03-10"))
    run.at("2025-05-01T09:00+00:00", c.ReportSocialMediaSpace(
        actor=OAR, group=g, platform="LinkedIn", reason="a LinkedIn group uses the name"))  # fmt: skip
    run.at("2025-09-01T09:00+00:00", c.TerminateGroup(
        actor=m, group=g, initiative="managers-request", reason="we are closing the group"))  # fmt: skip
    run.at("2025-09-02T09:00+00:00", c.RequestTermination(actor=m, group=g, reason="managers moving away"))
    run.at("2025-09-10T09:00+00:00", c.TerminateGroup(
        actor=OAR, group=g, initiative="managers-request", reason="at the managers' request"))  # fmt: skip
    run.at("2025-09-11T09:00+00:00", c.JoinGroup(actor=member("a-204"), group=g))


def _openlab(run: DemoRun) -> None:
    """A CERN-managed partnership group: §7 removal, §20-§22, §24."""
    g = _request(run, "2025-02-03T09:00+00:00", "openlab", "m-1109", ("m-1109", "m-1110"),
                 name="CERN openlab Alumni", group_type="cern-partnership", managed_by="cern",
                 visibility="public", objectives="Keep openlab alumni and partners connected")  # fmt: skip
    m = manager("m-1109")
    run.at("2025-02-04T09:00+00:00", c.ApproveGroup(actor=OAR, group=g, reason="CERN-managed, two managers"))
    run.at("2025-02-05T09:00+00:00", c.RemoveManager(actor=OAR, group=g, manager="m-1110", reason="left CERN"))
    run.at("2025-02-06T09:00+00:00", c.AppointManager(actor=m, group=g, manager="m-1111"))
    run.at("2025-02-07T09:00+00:00", c.RemoveManager(actor=OAR, group=g, manager="m-1110", reason="left CERN"))
    summit = dict(actor=m, group=g, gathering="openlab-summit", title="openlab summit", starts_at="2025-06-12T09:00+02:00",
                  purpose="technological", connection="openlab partners and alumni review projects")  # fmt: skip
    run.at("2025-03-01T09:00+00:00", c.ProposeGathering(**summit, fee_per_participant="50", cost_per_participant="30"))
    run.at("2025-03-01T10:00+00:00", c.ProposeGathering(**summit, fee_per_participant="30", cost_per_participant="30"))
    run.at("2025-03-01T11:00+00:00", c.ProposeGathering(**{**summit, "gathering": "investor-pitch", "for_financial_gain": True}))
    run.at("2025-03-01T12:00+00:00", c.ProposeGathering(**{**summit, "actor": member("a-301"), "gathering": "members-picnic"}))
    run.at("2025-03-02T09:00+00:00", c.ApproveGathering(actor=m, group=g, gathering="openlab-summit", reason="we approve ourselves"))
    run.at("2025-03-03T09:00+00:00", c.ApproveGathering(actor=OAR, group=g, gathering="openlab-summit", reason="technological purpose"))
    run.at("2025-03-04T09:00+00:00", c.ListGathering(actor=m, group=g, gathering="openlab-summit", listed_on="2025-03-04"))
    run.at("2025-06-01T09:00+00:00", c.ProposeSpeaker(actor=m, group=g, gathering="openlab-summit", speaker="s-1202"))
    run.at("2025-06-13T09:00+00:00", c.ApproveSpeaker(
        actor=OAR, group=g, gathering="openlab-summit", speaker="s-1202", reason="too late, but fine"))  # fmt: skip


def _others(run: DemoRun) -> None:
    """§9 discriminatory criteria, §11/§16 rejection, and an LSE group (second policy pack)."""
    _request(run, "2025-04-02T09:00+00:00", "gentlemen-club", "m-1112", ("m-1112", "m-1113"),
             name="Gentlemen physicists", group_type="other", managed_by="alumni", visibility="private",
             objectives="Dinners for senior physicists", membership_criteria=("men over 60 only",))  # fmt: skip
    g = _request(run, "2025-04-03T09:00+00:00", "fusion-fans", "m-1112", ("m-1112", "m-1113"),
                 name="Fusion fans", group_type="other", managed_by="alumni", visibility="public",
                 objectives="Discuss fusion energy startups and investments")  # fmt: skip
    run.at("2025-04-04T09:00+00:00", c.ApproveGroup(actor=manager("m-1112"), group=g, reason="we are ready"))
    run.at("2025-04-10T09:00+00:00", c.RejectGroup(actor=OAR, group=g, reason="investment focus conflicts with §12 objectives"))
    lse = _request(run, "2025-05-05T09:00+00:00", "lse-geneva", "m-1114", ("m-1114", "m-1115"),
                   name="LSE alumni in Geneva", group_type="regional", managed_by="alumni", visibility="public",
                   objectives="LSE alumni living in and around Geneva", policy_pack="lse")  # fmt: skip
    run.at("2025-05-06T09:00+00:00", c.ApproveGroup(actor=OAR, group=lse, reason="engagement team agrees"))
    run.at("2025-05-07T09:00+00:00", c.JoinGroup(actor=member("a-401"), group=lse))
    run.at("2025-05-08T09:00+00:00", c.ReportSocialMediaSpace(
        actor=member("a-401"), group=lse, platform="Facebook", reason="page without the LSE disclaimer"))  # fmt: skip
    run.at("2025-05-09T09:00+00:00", c.AppointManager(actor=OAR, group=lse, manager="m-1116"))

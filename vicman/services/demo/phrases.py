"""The words officers write: reasons, interview replies, outcomes, progress updates, failed attempts
and waiver reasons, as plain phrases and `str.format` templates."""

from __future__ import annotations

NO_INVESTIGATION_REASONS = (
    "no CCTV, no witnesses and no forensic opportunities",
    "the house-to-house enquiries found no witnesses and there is no CCTV",
    "the vehicle registration given could not be traced",
    "the bank could not identify the account holder the money went to",
    "there is no description of the suspect and no forensic evidence",
)
WITH_SOLICITOR = (" with a duty solicitor present", " with their own solicitor present", "")
INTERVIEWS = (
    "Made no comment.",
    "Denied the offence.",
    "Gave a prepared statement denying the offence.",
    "Admitted the offence.",
    "Claimed self-defence.",
)
OUTCOMES = (("bail", 0.18), ("rui", 0.27), ("charge", 0.2), ("release_nfa", 0.2), ("out_of_court_disposal", 0.15))
OUTCOMES_DOMESTIC = (
    ("bail", 0.35),
    ("rui", 0.12),
    ("charge", 0.33),
    ("release_nfa", 0.17),
    ("out_of_court_disposal", 0.03),
)
PENDING = (
    "a download of the suspect's phone",
    "forensic results",
    "CCTV from the council",
    "a further witness statement",
    "a decision from the Crown Prosecution Service",
    "bank records",
)
DISPOSALS = (
    "conditional caution with a requirement to pay compensation",
    "community resolution with a written apology",
    "youth caution",
    "conditional caution with a requirement to attend a course",
    "community resolution with compensation of £150",
)
PROGRESS = {
    "property": (
        "CCTV from the area has been requested and I am waiting for it.",
        "House-to-house enquiries are complete; no witnesses came forward. Forensic results are awaited.",
        "The forensic results from the scene are not back yet.",
        "I have reviewed the CCTV; the quality is poor and the suspect cannot be identified from it so far.",
        "Checks with second-hand shops and online sellers for the stolen property have found nothing yet.",
    ),
    "fraud": (
        "Enquiries with the bank are continuing; I am waiting for details of the account the money went to.",
        "A production order has been served on the bank; the reply is awaited.",
        "The phone number the caller used is being traced.",
    ),
    "violence": (
        "Witness statements have been taken and CCTV from the area is being reviewed.",
        "Still trying to identify the suspect from the CCTV.",
        "The medical evidence has been requested from the hospital.",
    ),
    "harassment": (
        "The messages have been downloaded from the victim's phone and are being reviewed.",
        "Enquiries with the phone company to identify the sender are continuing.",
        "The social media company has been asked for the account holder's details.",
    ),
    "domestic": (
        "Enquiries continue; the safety plan has been reviewed and the IDVA is in touch.",
        "The suspect has not yet been traced; officers are still looking for them.",
    ),
    "sexual": (
        "The results from the forensic examination are awaited.",
        "Still waiting for the laboratory results; the ISVA is in touch.",
    ),
    "hate": (
        "CCTV from the area has been obtained and is being reviewed.",
        "Further witnesses are being traced.",
    ),
    "serious": ("The investigation team is still tracing witnesses; forensic results are awaited.",),
    "fatal": ("The investigation team continues to follow lines of enquiry; the post-mortem report is awaited.",),
    "rtc": (
        "Witness statements are being taken and dashcam footage has been requested.",
        "Still waiting for the collision investigator's report.",
    ),
    "asb": (
        "The council's anti-social behaviour team has visited the address and a warning letter has been issued.",
        "Patrols in the area have been increased and a partnership meeting is booked.",
        "The housing association has been asked to take action against the tenancy.",
    ),
    "arrest": ("The suspect remains under investigation; the file is being prepared.",),
    "interview": ("The evidence is being reviewed after the interview; a charging decision is pending.",),
    "bail": (
        "The suspect remains on bail with conditions not to contact the victim; enquiries continue.",
        "The file has gone to the CPS for a charging decision; the suspect is still on bail.",
    ),
    "bail_varied": ("The suspect's bail has been extended and the conditions remain in place.",),
    "rui": (
        "The suspect is still released under investigation; the phone download is not back yet.",
        "The suspect is still released under investigation while the last enquiries are completed.",
    ),
    "charge": ("The case is with the court; the Witness Care Unit will confirm the trial date.",),
    "release_nfa": ("The case is being finalised after the no further action decision.",),
    "out_of_court_disposal": ("The out-of-court disposal has been completed and the case is being finalised.",),
    "no_investigation": ("The case has been filed; nothing new has come to light.",),
}
NEXT_STEPS = {
    "property": "Explained what happens next: CCTV in the area will be checked and house-to-house enquiries made.",
    "fraud": "Explained what happens next: I will contact the bank and Action Fraud has been told.",
    "harassment": "Explained what happens next and asked {first} to keep every message and call log.",
    "domestic": "Agreed a safe contact plan: calls only, at the times {first} gave, no messages left.",
    "asb": "Explained what happens next: the neighbourhood team and the council will work on the problem.",
    "rtc": "Explained what happens next: witness statements will be taken and dashcam footage requested.",
}
AGREEMENTS = (
    "Agreed to update at least once a month.",
    "Gave crime prevention advice.",
    "Gave the Victim Support leaflet and explained the referral.",
    "Explained the Victim Personal Statement; will take one later.",
    "Completed the needs assessment; no additional needs identified.",
    "Completed the needs assessment; {first} is anxious about going out and prefers a call to letters.",
)
REACTIONS = (
    "{first} had no concerns.",
    "{first} was grateful for the update.",
    "{first} is feeling more settled and had no questions.",
    "{first} is frustrated at how long it is taking; I explained why.",
    "{first} asked to be called in the evenings from now on.",
    "{first} asked whether anyone has been caught; I explained what is being done.",
)
FAILED = {
    "phone": (
        "Called {phone}, no answer. Left a voicemail asking {first} to call me back on 101 quoting {ref}.",
        "Called {phone}; it went to voicemail. Left a message asking {first} to call back.",
        "Called {phone}; the number rang out. Will try again.",
        "Called {phone}; no answer and no voicemail set up.",
    ),
    "visit": (
        "Visited {address}; no reply. Calling card left asking {first} to get in touch.",
        "Called at the address; no one home. Card left.",
    ),
    "sms": ("Text sent to {phone} asking {first} to call me back; no reply.",),
    "email": ("Emailed asking {first} to get in touch; no reply.",),
    "letter": ("Letter sent asking {first} to contact me; no response.",),
}
SPOKEN = ("phone", "visit")

# Why a duty was waived, by the rule waived ("": any other rule).
WAIVER_REASONS = {
    "vs_referral": (
        "Victim already has support from a local charity and asked not to be referred again.",
        "Victim is a serving police officer and asked not to be referred; agreed with the sergeant.",
    ),
    "update": (
        "Victim asked for no update this month; next contact agreed for after the court date.",
        "Victim in hospital; the family asked that updates wait until discharge. Agreed with the sergeant.",
        "Victim moved abroad; no contact details. Letter sent to the last known address.",
    ),
    "": (
        "Victim asked only to be told the final outcome, not each step of the investigation.",
        "Victim moved abroad; no contact details. Letter sent to the last known address.",
        "Victim told us they want no further contact about this matter.",
    ),
}

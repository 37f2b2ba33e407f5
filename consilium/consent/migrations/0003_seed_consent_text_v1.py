"""Seeds version 1 of the English consent text, active. Later versions are written and published
in the admin; this text is never edited in place once someone has signed it."""

from django.db import migrations
from django.utils import timezone

TITLE = "Consent to a remote second medical opinion"

BODY = """\
Please read this before you agree. It explains what we do with the medical information you send us. If you are filling this in for someone else (a parent, a child, your husband or wife, or someone you are the guardian of), "you" below means the patient, and you confirm that you may act for them.

1. What this service is
A specialist doctor (or two, or a board of three or more, depending on the review you choose) reads the reports and answers you send us and writes an independent second opinion: their view of the diagnosis so far, the treatment options, and the questions you asked.

2. What this service is not
The opinion is advice to you and your own doctor. It is not a diagnosis, not treatment and not a prescription. The specialist does not examine you, does not prescribe medicines and does not take over your care. Do not stop, start or change any treatment because of the opinion without talking to the doctor who is treating you.
This is not an emergency service. If you have chest pain, difficulty breathing, heavy bleeding, sudden weakness, a fit, or any other emergency, go to the nearest hospital now or call 112.

3. Limits of a remote opinion
The specialist only knows what is in the reports and answers you give us. Missing, old or unclear reports can change the opinion, and some questions cannot be answered without seeing you in person. The specialist may say so, or ask for more information. We follow India's Telemedicine Practice Guidelines (2020): every specialist is a registered medical practitioner, and they will tell you when you need an in-person visit.

4. Who sees your information
Our coordinators (care staff, often doctors) see your case as you sent it: they check it is complete, ask you for missing reports, and choose the specialists.
The specialists see a copy from which your name, contact details, ID numbers and similar identifying details have been removed as far as we can. The automatic removal is checked by a coordinator but may not catch everything written inside a report.
We do not sell your information and we do not share it with insurers, employers or anyone else unless you ask us to (for example when you share the report with your doctor), or the law requires it.

5. How your information is kept
Your files are encrypted on our servers, and every time someone opens your case it is written in a log. We keep your case for as long as you have an account with us, so that you and your doctors can come back to it. We may keep payment records for as long as tax law requires.

6. Your rights
Taking part is your choice. You can withdraw this consent at any time from your case page. If you withdraw before the case is sent to a specialist, we stop and nothing more is shared. If you withdraw later, we stop work on the case; work already done cannot be undone.
You can see and download everything we hold about you, ask us to correct it, and ask us to erase your record. Erasing destroys the key that unlocks your files, so they cannot be read again by anyone. These rights come from India's Digital Personal Data Protection Act, 2023.

7. Payment and refunds
You pay for the review type you choose before the case goes to a specialist. The price is shown before you pay. If you cancel before a specialist is assigned, we refund the full amount. If we miss the promised time for the opinion while we had all the information we needed from you, we refund you automatically. Refunds go back the way you paid and can take 5 to 7 working days to reach you.

8. Contact
If you have a question or a complaint, reply to any email we have sent you or write to the care team using the contact details on our website. We will answer within 3 working days.

By signing below you confirm that you have read this, that the information you send is true to the best of your knowledge, and that you agree to a remote second opinion on these terms."""


def seed(apps, schema_editor):
    ConsentText = apps.get_model("consent", "ConsentText")
    ConsentText.objects.get_or_create(
        version=1,
        language="en",
        defaults={
            "title": TITLE,
            "body": BODY,
            "is_active": True,
            "published_at": timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_text_hash_and_constraints")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

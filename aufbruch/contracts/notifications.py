"""The notifications service's contract for the gateway: following ideas, category digests, and
erasing a person's address."""

from marshmallow import Schema, fields, validate

from aufbruch.contracts.ideas import Strict, mail_locale

MAX_EMAIL_LENGTH = 254


def _email() -> fields.Email:
    return fields.Email(required=True, validate=validate.Length(max=MAX_EMAIL_LENGTH))


class FollowRequest(Strict):
    email = _email()
    locale = mail_locale()


class DigestRequest(FollowRequest):
    category = fields.String(required=True)

    def __init__(self, categories: list[str], **kwargs):
        super().__init__(**kwargs)
        self.fields["category"].validators = [validate.OneOf(categories, error="Must be one of: {choices}.")]


class ErasureRequest(Strict):
    email = _email()


class ConfirmationSent(Schema):
    status = fields.String(
        metadata={
            "description": "`confirmation_sent`: a confirmation mail is on its way "
            "(for a follow or digest: unless this address confirmed already)."
        }
    )


class Erasure(Schema):
    erasure_id = fields.UUID()
    submissions_erased = fields.Integer(
        metadata={"description": "Submitted ideas whose contact (address and name) was deleted."}
    )
    subscriptions_erased = fields.Integer(metadata={"description": "Follows and digest subscriptions deleted."})
    mails_erased = fields.Integer(metadata={"description": "Mails to the address deleted (sent or owed)."})
    requested_by = fields.String(metadata={"description": "`admin` (this API) or `person` (the unsubscribe page)."})
    erased_at = fields.AwareDateTime()

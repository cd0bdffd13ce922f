"""Who a commenter is, as moderators may know them: the links that join one person's comments.

A person is never a row of their own. They are the comments that share a link:
the same account, the same typed name (by its skeleton, as the name guard
compares names), the same browser (a keyed hash of its device cookie) or, while
addresses are kept, the same network address. Notes and sanctions store these
links as hashes (PersonLink), never a raw address or cookie.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.crypto import salted_hmac

from accounts.names import name_skeleton
from forum.lib import keys
from forum.models import Comment
from moderation.models import PersonLink

Kind = PersonLink.Kind


def address_hash(address: str) -> str:
    """A keyed hash of an IP address: bans and sanctions match on it without the address being stored."""
    return salted_hmac("forum.moderation.address", address, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Identity:
    """The links known for one person; any one of them matching means "probably the same person"."""

    account_ids: frozenset[int] = frozenset()
    name_keys: frozenset[str] = frozenset()
    device_hashes: frozenset[str] = frozenset()
    # Raw addresses find comments (which keep theirs for FORUM_IP_RETENTION_DAYS); only their hashes are stored.
    addresses: frozenset[str] = field(default=frozenset(), compare=False)
    address_hashes: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.account_ids or self.name_keys or self.device_hashes or self.address_hashes)

    def links(self) -> list[tuple[str, str]]:
        """(kind, value) pairs as PersonLink stores them."""
        return (
            [(Kind.ACCOUNT.value, str(pk)) for pk in sorted(self.account_ids)]
            + [(Kind.NAME.value, key) for key in sorted(self.name_keys)]
            + [(Kind.DEVICE.value, value) for value in sorted(self.device_hashes)]
            + [(Kind.ADDRESS.value, value) for value in sorted(self.address_hashes)]
        )

    def person_links(self) -> Q:
        """PersonLink rows that point at this person (an empty identity matches none)."""
        wanted = Q(pk__in=[])
        for kind, value in self.links():
            wanted |= Q(kind=kind, value=value)
        return wanted

    def comments(self) -> Q:
        """Comments this person wrote, by any link."""
        wanted = Q(pk__in=[])
        if self.account_ids:
            wanted |= Q(author_id__in=self.account_ids)
        # Each with its partial index's condition (implied, never "" here): else no index may be used.
        if self.name_keys:
            wanted |= Q(author_name_key__in=self.name_keys) & ~Q(author_name_key="")
        if self.device_hashes:
            wanted |= Q(device_hash__in=self.device_hashes) & ~Q(device_hash="")
        if self.addresses:
            wanted |= Q(ip_address__in=self.addresses)
        return wanted

    def joined_by(self, comment: Comment) -> list[str]:
        """Which links tie this comment to the person, in words ("Same browser")."""
        found = []
        if comment.author_id in self.account_ids:
            found.append(Kind.ACCOUNT.label)
        if comment.author_name_key and comment.author_name_key in self.name_keys:
            found.append(Kind.NAME.label)
        if comment.device_hash and comment.device_hash in self.device_hashes:
            found.append(Kind.DEVICE.label)
        if comment.ip_address and comment.ip_address in self.addresses:
            found.append(Kind.ADDRESS.label)
        return found

    def joined_with(self, other: "Identity") -> "Identity":
        return Identity(
            account_ids=self.account_ids | other.account_ids,
            name_keys=self.name_keys | other.name_keys,
            device_hashes=self.device_hashes | other.device_hashes,
            addresses=self.addresses | other.addresses,
            address_hashes=self.address_hashes | other.address_hashes,
        )


def identity_of_comment(comment: Comment) -> Identity:
    """The links a comment carries (an imported or erased comment may carry none)."""
    return Identity(
        account_ids=frozenset({comment.author_id} if comment.author_id else ()),
        name_keys=frozenset({comment.author_name_key} if comment.author_name_key else ()),
        device_hashes=frozenset({comment.device_hash} if comment.device_hash else ()),
        addresses=frozenset({comment.ip_address} if comment.ip_address else ()),
        address_hashes=frozenset({address_hash(comment.ip_address)} if comment.ip_address else ()),
    )


def identity_of_poster(*, user, author_name: str, device: str, address: str) -> Identity:
    """The links of someone posting now: whoever is logged in, the name typed, this browser, this address."""
    name_key = name_skeleton(author_name) if author_name else ""
    return Identity(
        account_ids=frozenset({user.pk} if user is not None and user.is_authenticated else ()),
        name_keys=frozenset({name_key} if name_key else ()),
        device_hashes=frozenset({keys.device_hash(device)} if device else ()),
        addresses=frozenset({address} if address else ()),
        address_hashes=frozenset({address_hash(address)} if address else ()),
    )

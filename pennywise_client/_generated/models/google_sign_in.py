from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="GoogleSignIn")


@_attrs_define
class GoogleSignIn:
    """A Google ID token, from Google Identity Services in the client.

    Attributes:
        id_token (str):
    """

    id_token: str

    def to_dict(self) -> dict[str, Any]:
        id_token = self.id_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id_token": id_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id_token = d.pop("id_token")

        google_sign_in = cls(
            id_token=id_token,
        )

        return google_sign_in

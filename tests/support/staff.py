"""Staff of the platform in end-to-end tests: admins, moderators and staff members with their API tokens."""

import uuid

import requests


def unique_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def bearer(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


class Admin:
    """The admin API of the running platform, asked with one token."""

    def __init__(self, platform, token: str):
        self.url = f"{platform.base_url}/admin"
        self.token = token

    def request(self, method: str, path: str, token: str | None = "mine", **kwargs) -> requests.Response:
        token = self.token if token == "mine" else token
        return requests.request(method, f"{self.url}{path}", headers=bearer(token), timeout=15, **kwargs)

    def create_user(self, role: str = "moderator", **fields) -> dict:
        response = self.request("POST", "/users", json={"username": unique_username(role), "role": role} | fields)
        assert response.status_code == 201, response.text
        return response.json()

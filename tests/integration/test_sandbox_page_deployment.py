"""The sandbox takes a website page's own deployment id as a deployment of a seeded kind."""

import httpx
import pytest

from inspector.sandbox import SANDBOX_DEPLOYMENT_ID, SandboxOrg

PAGE_ID = "9a4e6b1c-2d3f-4e5a-8b7c-0d1e2f3a4b5c"


async def public(sandbox: SandboxOrg, deployment_id: str, name: str) -> httpx.Response:
    url = f"{sandbox.base_url}/webdeployments/v1/deployments/{deployment_id}/{name}"
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def test_a_page_deployment_is_served_as_its_kind_and_allows_the_page_host():
    async with SandboxOrg() as sandbox:
        assert (await public(sandbox, PAGE_ID, "config.json")).status_code == 404
        sandbox.add_deployment_like(PAGE_ID, "headless", "www.mystore.example")
        config = (await public(sandbox, PAGE_ID, "config.json")).json()
        assert config["headlessMode"]["enabled"] is True
        domains = (await public(sandbox, PAGE_ID, "domains.json")).json()
        assert "www.mystore.example" in domains["allowedDomains"]


async def test_other_domain_keeps_refusing_the_page_and_seeded_ids_stay_as_they_are():
    async with SandboxOrg() as sandbox:
        sandbox.add_deployment_like(PAGE_ID, "other-domain", "shop.example.com")
        domains = (await public(sandbox, PAGE_ID, "domains.json")).json()
        assert "shop.example.com" not in domains["allowedDomains"]
        sandbox.add_deployment_like(SANDBOX_DEPLOYMENT_ID, "headless", "x.example")
        config = (await public(sandbox, SANDBOX_DEPLOYMENT_ID, "config.json")).json()
        assert config["headlessMode"]["enabled"] is False
        with pytest.raises(ValueError, match="no seeded deployment"):
            sandbox.add_deployment_like("new-id", "no-such-kind", "x.example")


async def test_the_served_script_fetches_its_config_from_the_org_that_served_it():
    async with SandboxOrg() as sandbox:
        async with httpx.AsyncClient() as client:
            script = (await client.get(f"{sandbox.base_url}/genesys-bootstrap/genesys.min.js")).text
        assert f"const SERVED_BY = '{sandbox.base_url}';" in script

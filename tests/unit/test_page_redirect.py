"""Which website requests go to the sandbox: a region's Genesys hosts only, path and query kept."""

from inspector.ui.page_redirect import SandboxRedirect, deployment_in_url

REDIRECT = SandboxRedirect.for_domains(
    "http://127.0.0.1:4321/", ["mypurecloud.ie", "mypurecloud.com"]
)


def test_genesys_hosts_of_a_known_region_go_to_the_sandbox_with_path_and_query():
    assert (
        REDIRECT.target("https://apps.mypurecloud.ie/genesys-bootstrap/genesys.min.js")
        == "http://127.0.0.1:4321/genesys-bootstrap/genesys.min.js"
    )
    assert (
        REDIRECT.target(
            "https://api-cdn.mypurecloud.com/webdeployments/v1/deployments/d/config.json"
        )
        == "http://127.0.0.1:4321/webdeployments/v1/deployments/d/config.json"
    )
    assert (
        REDIRECT.target("wss://webmessaging.mypurecloud.ie/v1?deploymentId=d")
        == "ws://127.0.0.1:4321/v1?deploymentId=d"
    )


def test_everything_else_of_the_page_is_left_alone():
    for url in (
        "https://shop.example.com/app.js",
        "https://api.mypurecloud.ie/api/v2/conversations",  # the Platform API: not the page's
        "https://login.mypurecloud.ie/oauth/token",
        "https://apps.example.com/genesys-bootstrap/genesys.min.js",  # not a region's domain
        "https://apps.mypurecloud.ie.evil.test/genesys.min.js",
        "https://cdn.apps.mypurecloud.ie/x.js",
    ):
        assert REDIRECT.target(url) is None, url
    assert REDIRECT.is_sandbox("http://127.0.0.1:4321/webdeployments/v1/deployments/d/domains.json")
    assert not REDIRECT.is_sandbox("http://127.0.0.1:9999/x")


def test_the_deployment_a_messenger_request_names_is_found_in_path_or_query():
    assert (
        deployment_in_url("https://api-cdn.x/webdeployments/v1/deployments/abc/config.json")
        == "abc"
    )
    assert deployment_in_url("wss://webmessaging.x/v1?deploymentId=abc&x=1") == "abc"
    assert deployment_in_url("https://apps.x/genesys-bootstrap/genesys.min.js") is None


def test_a_local_page_s_own_files_come_from_its_folder_and_nothing_else_does(tmp_path):
    from inspector.ui.page_redirect import LocalFiles
    from inspector.website.local_files import page_files

    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("//")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    names = page_files(tmp_path)
    assert names == {"js/app.js"}
    files = LocalFiles("https://shop.example.com", "http://127.0.0.1:5555", names)
    assert files.target("https://shop.example.com/js/app.js?v=2") == (
        "http://127.0.0.1:5555/js/app.js?v=2"
    )
    assert files.target("https://shop.example.com/api/cart") is None
    assert files.target("https://other.example.com/js/app.js") is None
    assert files.target("http://shop.example.com/js/app.js") is None

import pytest
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "a-long-random-metrics-token-for-tests"


@pytest.fixture(autouse=True)
def _fresh_registry():
    """Each test builds the scrape registry anew (its collectors read the settings
    the test chose)."""
    from portal.metrics.registry import scrape_registry

    scrape_registry.cache_clear()
    yield
    scrape_registry.cache_clear()


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def parse(text: str) -> dict[tuple, float]:
    """``{(sample name, ((label, value), ...)): value}`` of an exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def scrape(client, metrics_token):
    """``scrape()``: GET /metrics with the token, parsed."""

    def read() -> dict[tuple, float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.content
        return parse(response.content.decode())

    return read

import pytest


@pytest.fixture
def backup_dirs(settings, tmp_path):
    """MEDIA_ROOT and BACKUP_DIR in a fresh temporary folder; backups kept there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.STORAGES = {
        alias: config
        for alias, config in settings.STORAGES.items()
        if alias != "backups"
    }
    return tmp_path

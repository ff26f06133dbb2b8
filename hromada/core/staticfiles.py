"""Static files: hashed names and compressed copies once `collectstatic` has run."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage. A name missing from the manifest (no `collectstatic`
    yet: tests, a fresh checkout) keeps its plain name, which WhiteNoise serves from the apps
    (WHITENOISE_USE_FINDERS)."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name

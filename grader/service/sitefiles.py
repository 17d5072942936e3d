"""Serving the static course site at `/` from the same origin as the service."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware


class SiteFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, except that `dir/index.html` is served as well as `dir/`.

    WhiteNoise redirects `.../index.html` to `.../`; JupyterLite loads
    `lite/notebooks/index.html` and reads its configuration relative to that address, so
    the redirect stops the kernel from starting.
    """

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: object = None) -> None:
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)
        if (
            self.index_file is not None
            and url.endswith("/" + self.index_file)
            and not self.is_compressed_variant(path, stat_cache=stat_cache)
        ):
            self.files[url] = self.get_static_file(path, url, stat_cache=stat_cache)

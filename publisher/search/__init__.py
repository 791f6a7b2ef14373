"""Search across the public content (docs/search.md): a platform package that features feed
through their manifests' `search_sources`; the index is written in the content's own
transaction."""

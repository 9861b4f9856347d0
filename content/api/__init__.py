"""Courses and modules API (API.md: Courses and modules).

Learners read live pages; authors write revisions through ``content.services``. Views
validate input, call one selector or service and serialize the result. Anonymous
catalog reads are cached (``content.cache``) and purged whenever what they show
changes: on publish, unpublish and archive.

Layout: ``serializers`` (input and output shapes), ``permissions``, ``courses`` and
``modules`` (the views), ``videos`` (uploads, captions, HLS files); ``urls`` routes
them.
"""

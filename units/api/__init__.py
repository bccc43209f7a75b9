"""The REST API's shared machinery: client keys, authentication, scopes, throttling, the
call log and the schema's conventions. Each app's endpoints live in `<app>/api/`; the
router is assembled in `config/api_urls.py`."""

"""The complaints endpoints of the REST API: push a case (登记), read its status, the changes
feed. Serializers shape the wire format; every rule stays in the forms, selectors,
permission helpers and services the pages use."""

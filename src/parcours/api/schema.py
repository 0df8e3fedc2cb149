"""The OpenAPI document says, for every operation, the scope it needs (in its description and
as ``x-required-scope``)."""

from drf_spectacular.openapi import AutoSchema

from parcours.api.permissions import required_scope


class ScopedAutoSchema(AutoSchema):
    def _scope(self):
        return required_scope(self.view, self.method)

    def get_description(self):
        described = super().get_description() or ""
        scope = self._scope()
        needs = f"Needs the scope `{scope}`." if scope else "Any valid token."
        return f"{described}\n\n{needs}".strip()

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            operation["x-required-scope"] = self._scope()
        return operation

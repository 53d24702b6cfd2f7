# The requires side of the pgsql interface, minimal: connected while joined, the client's
# database request published, database.available once the server answered with master.
from charms.reactive import Endpoint, clear_flag, set_flag, toggle_flag, when, when_not


class PgsqlRequires(Endpoint):
    @when("endpoint.{endpoint_name}.joined")
    def joined(self):
        set_flag(self.expand_name("{endpoint_name}.connected"))
        for relation in self.relations:
            relation.to_publish_raw["database"] = "voting_app"

    @when("endpoint.{endpoint_name}.changed")
    def changed(self):
        toggle_flag(self.expand_name("{endpoint_name}.database.available"),
                    bool(self._server()))
        clear_flag(self.expand_name("endpoint.{endpoint_name}.changed"))

    @when_not("endpoint.{endpoint_name}.joined")
    def broken(self):
        clear_flag(self.expand_name("{endpoint_name}.connected"))
        clear_flag(self.expand_name("{endpoint_name}.database.available"))

    def _server(self):
        for unit in self.all_joined_units:
            if unit.received_raw.get("master"):
                return unit.received_raw
        return None

    def pgdata(self):
        data = self._server() or {}
        return {"pg_host": data.get("host"), "pg_user": data.get("user"),
                "pg_pass": data.get("password"), "pg_db": data.get("database")}

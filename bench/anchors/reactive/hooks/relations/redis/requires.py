# The requires side of the redis interface as interface-redis behaves: connected while a
# unit is joined, available once a joined unit published host and port.
from charms.reactive import Endpoint, clear_flag, set_flag, toggle_flag, when, when_not


class RedisRequires(Endpoint):
    @when("endpoint.{endpoint_name}.joined")
    def joined(self):
        set_flag(self.expand_name("{endpoint_name}.connected"))

    @when("endpoint.{endpoint_name}.changed")
    def changed(self):
        toggle_flag(self.expand_name("{endpoint_name}.available"), bool(self.redis_data()))
        clear_flag(self.expand_name("endpoint.{endpoint_name}.changed"))

    @when_not("endpoint.{endpoint_name}.joined")
    def broken(self):
        clear_flag(self.expand_name("{endpoint_name}.connected"))
        clear_flag(self.expand_name("{endpoint_name}.available"))

    def redis_data(self):
        out = []
        for unit in self.all_joined_units:
            host, port = unit.received_raw.get("host"), unit.received_raw.get("port")
            if host and port:
                out.append({"host": host, "port": port,
                            "password": unit.received_raw.get("password")})
        return out

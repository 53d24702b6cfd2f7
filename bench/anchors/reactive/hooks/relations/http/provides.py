# The provides side of the http interface: available while joined.
from charms.reactive import Endpoint, clear_flag, set_flag, when, when_not


class HttpProvides(Endpoint):
    @when("endpoint.{endpoint_name}.joined")
    def joined(self):
        set_flag(self.expand_name("{endpoint_name}.available"))

    @when_not("endpoint.{endpoint_name}.joined")
    def broken(self):
        clear_flag(self.expand_name("{endpoint_name}.available"))

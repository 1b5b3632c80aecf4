"""Every network interface has a private DNS name.

What AWS does
    Every network interface has a ``PrivateDnsName`` (``ip-10-20-1-5.ec2.internal``
    in us-east-1), whatever the VPC's ``enableDnsHostnames`` says; an ECS task
    with awsvpc networking shows it as the ``privateDnsName`` detail of its
    ElasticNetworkInterface attachment.

What moto 5.2.5 does
    ``NetworkInterface.__init__`` (moto/ec2/models/elastic_network_interfaces.py)
    sets ``private_dns_name`` only when the subnet's VPC has
    ``enable_dns_hostnames`` on, which a VPC from CreateVpc does not (only the
    default VPC has it). RunTask with awsvpc networking reads
    ``eni.private_dns_name`` for the task's attachment, so in any other VPC (e.g.
    one made by createTaskNetwork) it fails with an AttributeError: HTTP 500,
    and an ``ecs:runTask`` Task state fails with ``States.Runtime``.

What the fix does
    ``NetworkInterface.private_dns_name`` becomes a property: the value moto set,
    if it set one, otherwise ``generate_dns_from_ip(private_ip_address)`` (the
    name moto gives in VPCs with DNS hostnames on).
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ec2.utils import generate_dns_from_ip

    if "private_dns_name" in vars(NetworkInterface):
        return

    def get(self: Any) -> str:
        return self.__dict__.get("_harness_private_dns_name") or generate_dns_from_ip(self.private_ip_address)

    def set_(self: Any, value: str) -> None:
        self.__dict__["_harness_private_dns_name"] = value

    NetworkInterface.private_dns_name = property(get, set_)

"""RunTask with awsvpc networking and no security groups uses the VPC's default one.

AWS: in RunTask's ``networkConfiguration.awsvpcConfiguration``, ``securityGroups`` is
optional: "If you don't specify a security group, the default security group for the VPC
is used." Workflows commonly give only ``Subnets``.

moto 5.2.5: the task's network interface is created with ``net_conf["securityGroups"]``, so
a RunTask without security groups fails with a KeyError, answered as an HTTP 500 HTML page.

The fix: when the configuration names no security groups, the network interface gets the
default security group of the first subnet's VPC; the task keeps the configuration as given.
"""

import copy
import functools
from typing import Any

import moto.ecs.models as ecs_models


def _with_default_security_group(account_id: str, region_name: str, networking_configuration: dict) -> dict:
    vpc_config = networking_configuration.get("awsvpcConfiguration") or {}
    if vpc_config.get("securityGroups") or not vpc_config.get("subnets"):
        return networking_configuration
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[account_id][region_name]
    subnet = ec2.get_subnet(vpc_config["subnets"][0])
    group = ec2.get_default_security_group(subnet.vpc_id)
    if group is None:
        return networking_configuration
    completed = copy.deepcopy(networking_configuration)
    completed["awsvpcConfiguration"]["securityGroups"] = [group.id]
    return completed


def apply() -> None:
    original_init = ecs_models.Task.__init__

    @functools.wraps(original_init)
    def init(self: Any, cluster: Any, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("networking_configuration")
        backend = kwargs.get("backend")
        if given and backend is not None:
            kwargs["networking_configuration"] = _with_default_security_group(backend.account_id, cluster.region_name, given)
        original_init(self, cluster, *args, **kwargs)
        if given:
            self.network_configuration = given

    ecs_models.Task.__init__ = init

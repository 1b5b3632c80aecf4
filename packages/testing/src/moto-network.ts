import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';

/** A VPC subnet and security group, for RunTask's `awsvpcConfiguration` (moto checks that they exist). */
export interface TaskNetwork {
  readonly subnetId: string;
  readonly securityGroupId: string;
}

/** Creates a VPC, a subnet and a security group in the endpoint's account (moto). */
export async function createTaskNetwork(client: EC2Client = new EC2Client({})): Promise<TaskNetwork> {
  const vpc = await client.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId;
  if (!vpcId) throw new Error('CreateVpc returned no VpcId');
  const subnet = await client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24' }));
  const group = await client.send(
    new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `harness-${Date.now()}`, Description: 'harness test tasks' }),
  );
  if (!subnet.Subnet?.SubnetId || !group.GroupId) throw new Error('CreateSubnet/CreateSecurityGroup returned no id');
  return { subnetId: subnet.Subnet.SubnetId, securityGroupId: group.GroupId };
}

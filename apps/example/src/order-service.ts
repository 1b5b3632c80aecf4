import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';

/** Where the order service runs its render tasks. */
export interface OrderServiceSettings {
  readonly cluster: string;
  readonly renderTaskDefinition: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
}

export interface Order {
  readonly id: string;
  /** A draft renders with a watermark. */
  readonly draft?: boolean;
}

/**
 * The application under test: it renders each order's PDF with an ECS task.
 * In its acceptance tests the task is a harness double.
 */
export class OrderService {
  constructor(
    private readonly settings: OrderServiceSettings,
    private readonly ecs: ECSClient = new ECSClient({}),
  ) {}

  /** Starts the render task of an order; resolves with the task's ARN. */
  async requestRender(order: Order): Promise<string> {
    const started = await this.ecs.send(
      new RunTaskCommand({
        cluster: this.settings.cluster,
        taskDefinition: this.settings.renderTaskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: 'order-service',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [...this.settings.subnets], securityGroups: [...this.settings.securityGroups] },
        },
        overrides: {
          containerOverrides: [
            {
              name: 'Main',
              command: ['--order', order.id, ...(order.draft ? ['--draft'] : [])],
              environment: [{ name: 'ORDER_ID', value: order.id }],
            },
          ],
        },
      }),
    );
    const task = started.tasks?.[0];
    if (!task?.taskArn) {
      const reasons = (started.failures ?? []).map((failure) => `${failure.arn ?? ''} ${failure.reason ?? ''}`.trim());
      throw new Error(`RunTask started no render task for order ${order.id}: ${reasons.join('; ') || 'no reason given'}`);
    }
    return task.taskArn;
  }
}

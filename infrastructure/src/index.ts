export { orderServiceTemplate, ORDER_SERVICE_OUTPUTS } from './order-service-stack.js';
export type { OrderServiceStackProps } from './order-service-stack.js';
export { ORDER_FLOW_PARAMETERS, ORDER_FLOW_RESOURCES, orderFlowTemplate, WORKFLOW_FILES } from './order-flow-stack.js';

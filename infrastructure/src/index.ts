export { orderServiceTemplate, ORDER_SERVICE_OUTPUTS } from './order-service-stack.js';
export type { OrderServiceStackProps } from './order-service-stack.js';

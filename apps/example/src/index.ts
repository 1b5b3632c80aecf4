export { OrderService } from './order-service.js';
export type { Order, OrderServiceSettings } from './order-service.js';

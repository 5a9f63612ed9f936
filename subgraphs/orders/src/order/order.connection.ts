import { ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { Order } from './order.type';

@ObjectType()
export class OrderConnection extends ConnectionType(Order, 'Order') {}

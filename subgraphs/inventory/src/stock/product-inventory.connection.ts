import { ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { ProductInventory } from './stock.type';

@ObjectType()
export class ProductInventoryConnection extends ConnectionType(
  ProductInventory,
  'ProductInventory',
) {}

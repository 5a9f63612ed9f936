import { ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { Product } from './product.type';

@ObjectType()
export class ProductConnection extends ConnectionType(Product, 'Product') {}

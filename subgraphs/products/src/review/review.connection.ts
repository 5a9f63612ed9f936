import { ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { Review } from './review.type';

@ObjectType()
export class ReviewConnection extends ConnectionType(Review, 'Review') {}

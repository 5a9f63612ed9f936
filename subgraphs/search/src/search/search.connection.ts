import { Field, ObjectType } from 'type-graphql';
import { ConnectionType } from '@shop/federation';
import { ProductStub } from '../product/product.stub';
import { SearchFacets } from './search.type';

@ObjectType()
export class SearchResultConnection extends ConnectionType(ProductStub, 'SearchResult') {
  @Field(() => SearchFacets)
  facets!: SearchFacets;
}

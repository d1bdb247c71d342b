import 'server-only';

/**
 * A location's postal address, as pages, forms and messages show it. Types only (a client
 * component's type import is erased); the columns that hold it are locationAddressColumns.
 */
export interface LocationAddress {
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
}

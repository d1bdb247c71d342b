import 'server-only';
import { locations } from '@/db/schema';

/** The columns of a location's address (LocationAddress), for every select that shows where a location is. */
export const locationAddressColumns = {
  addressLine1: locations.addressLine1,
  addressLine2: locations.addressLine2,
  city: locations.city,
  region: locations.region,
  postalCode: locations.postalCode,
};

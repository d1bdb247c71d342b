export * from './tenants';
export * from './locations';
export * from './staff';
export * from './patients';
export * from './identity';
export * from './audit';
export * from './outbox';
export * from './documents';

export * from './tenants';
export * from './locations';
export * from './staff';
export * from './patients';

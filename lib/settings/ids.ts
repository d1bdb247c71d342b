import 'server-only';
export { isUuid } from '@/lib/kernel/ids';

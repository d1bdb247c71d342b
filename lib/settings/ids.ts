export { isUuid } from '@/lib/kernel/ids';

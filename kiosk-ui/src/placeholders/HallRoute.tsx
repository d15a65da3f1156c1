import { PlaceholderRoute } from './PlaceholderRoute.tsx';

export default function HallRoute() {
  return <PlaceholderRoute title="大厅管理 / Hall manager dashboard" issue="issue 6 (manager dashboard)" />;
}

